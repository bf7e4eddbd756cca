/**
 * The layers of src/, top to bottom: a folder imports only folders below it (and itself), so no
 * two folders can import each other, directly or round a circle. `npm test` runs this
 * (test/layers/layers.test.ts), and README.md's Layout section draws the same order.
 */
const LAYERS = [
  ['exe', 'testing'], // entry points beside src/index.ts, src/testing.ts and src/bin.cts
  ['cli'], // flags, environment, help → the commands
  ['init'], // the init command's scaffold
  ['server'], // listeners, TLS, connection limits, the request queue
  ['app'], // the composition root: services from settings, middleware and routes
  ['settings'], // options and files → checked settings; read by app/ (and the entry points) only
  ['routes'], // one module per endpoint, the journal and log middleware
  ['oauth'], // the client-request pipeline, endpoint URLs
  ['grants'], // one handler per grant, given an authenticated client
  ['clients'], // client registry and authentication
  ['tokens'], // keys, JWS, access tokens, client assertions
  ['scenarios'], // catalog, selection, sequences, delays, faults
  ['contract'], // the provider's document: request rules, responses, schemas
  ['pages'], // HTML
  ['report'], // findings from journal entries (pure), the rule table, JUnit XML
  ['http'], // pure helpers: accept, body, form, responses, refusal codes, redaction, CORS
  ['state'], // every mutable thing, behind small interfaces
  ['log', 'shipped'], // log records; where the package's files are
  ['generated'], // openapi-typescript output
];

const { join } = require('node:path');

const folders = (layers) => `^src/(${layers.flat().join('|')})/`;

module.exports = {
  forbidden: [
    ...LAYERS.slice(1).map((layer, i) => ({
      name: `layer-${layer.join('-')}`,
      comment: `${layer.join('/, ')}/ must not import a layer above it (${LAYERS.slice(0, i + 1).flat().join(', ')}, or an entry point)`,
      severity: 'error',
      from: { path: folders([layer]) },
      to: { path: [folders(LAYERS.slice(0, i + 1)), '^src/[^/]+\\.c?ts$'] },
    })),
    ...LAYERS.filter((layer) => layer.length > 1).map((layer) => ({
      name: `layer-${layer.join('-')}-apart`,
      comment: `${layer.join('/ and ')}/ share a layer and must not import each other`,
      severity: 'error',
      from: { path: `^src/(${layer.join('|')})/` },
      to: { path: `^src/(${layer.join('|')})/`, pathNot: '^src/$1/' },
    })),
    {
      name: 'no-unlayered-folder',
      comment: 'every folder of src/ has a place in LAYERS',
      severity: 'error',
      from: { path: '^src/', pathNot: [folders(LAYERS), '^src/[^/]+\\.c?ts$'] },
      to: {},
    },
    {
      name: 'no-circular',
      comment: 'modules do not import each other round a circle, within a folder either',
      severity: 'error',
      from: { path: '^src/' },
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^src/generated/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: join(__dirname, 'tsconfig.json') },
    enhancedResolveOptions: { extensions: ['.ts', '.cts', '.js'] },
  },
};
