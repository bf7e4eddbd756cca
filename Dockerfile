# fapi-token-sandbox in a container. See README, "In a container".
#   docker build -t fapi-token-sandbox .
#   docker run -p 4010:4010 -p 4443:4443 fapi-token-sandbox

# Build stage: the dev tools compile the command, then `npm pack` makes exactly what the npm package
# ships and only its runtime dependencies are installed beside it, from the lockfile; the command is
# linked and made executable as `npm install -g` would.
FROM node:20-bookworm-slim AS build
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY . .
RUN npm run build \
 && npm pack --ignore-scripts --pack-destination /tmp \
 && package=/image/usr/local/lib/node_modules/fapi-token-sandbox \
 && mkdir -p "$package" /image/usr/local/bin /image/sandbox \
 && tar -xzf /tmp/fapi-token-sandbox-*.tgz -C "$package" --strip-components=1 \
 && cp package-lock.json "$package/" \
 && (cd "$package" && npm ci --omit=dev --ignore-scripts --no-audit --no-fund && rm package-lock.json) \
 && chmod 0755 "$package/dist/bin.cjs" \
 && ln -s ../lib/node_modules/fapi-token-sandbox/dist/bin.cjs /image/usr/local/bin/fapi-token-sandbox

# Runtime stage: the base image plus one layer, the package where `npm install -g` puts it and
# its command on PATH. Files are root's: the sandbox never writes to them.
FROM node:20-bookworm-slim
COPY --from=build /image/ /

# Inside a container the sandbox must listen on all interfaces to be reached through a published
# port or a CI service name. The control API then needs a token: `generate` makes a fresh one at
# each start and prints it on the control API line of the log (`docker logs`); set your own with
# -e SANDBOX_ADMIN_TOKEN=... or turn the API off with --no-admin.
ENV HOST=0.0.0.0 \
    PORT=4010 \
    SANDBOX_ADMIN_TOKEN=generate
EXPOSE 4010 4443
# Mount your own clients file, scenarios and PKI here (e.g. what `fapi-token-sandbox init` wrote),
# read-only is enough; relative paths in the arguments start here.
WORKDIR /sandbox
VOLUME ["/sandbox"]
USER node
# Discovery needs no token and answers only once the listener serves; slim images have no curl.
HEALTHCHECK --interval=10s --timeout=3s --start-period=5s --retries=3 \
  CMD ["node", "-e", "fetch(`http://127.0.0.1:${process.env.PORT}/.well-known/openid-configuration`).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
ENTRYPOINT ["fapi-token-sandbox"]
# Mutual TLS on by default with the shipped demo PKI (server certificate for localhost and
# 127.0.0.1); arguments after the image name replace these.
CMD ["--tls-port", "4443"]
