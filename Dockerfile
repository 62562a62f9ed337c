# Multi-stage build: compile TypeScript in a full Node image, run on a slim one as non-root.
FROM node:20-bookworm-slim AS build
WORKDIR /src
# better-sqlite3 (the embedded database) compiles its native addon when no prebuilt one fits.
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*
# node-gyp builds against the image's own headers (/usr/local/include/node) rather than
# downloading them from nodejs.org, so the build also works without the internet.
ENV npm_config_nodedir=/usr/local
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json ./
COPY src ./src
# The web UI (web/, Vite) is built into dist/web by the same npm run build.
COPY web ./web
RUN npm run build && npm prune --omit=dev

FROM node:20-bookworm-slim
ENV NODE_ENV=production \
    BERTH_HTTP_ADDR=:5000 \
    BERTH_STORAGE_FILESYSTEM_ROOTDIRECTORY=/var/lib/berth
WORKDIR /app
COPY --from=build /src/node_modules ./node_modules
COPY --from=build /src/dist ./dist
COPY package.json ./
COPY config/berth.yml /etc/berth/config.yml
RUN mkdir -p /var/lib/berth && chown node:node /var/lib/berth
USER node
VOLUME /var/lib/berth
EXPOSE 5000
# /readyz on the address the configuration names (http.addr, http.tls): no credentials needed
# whatever the auth mode, and "ready" means storage answers, not only that the process runs.
HEALTHCHECK --interval=30s --timeout=5s --start-period=10s --retries=3 \
  CMD ["node", "dist/main.js", "health", "--config", "/etc/berth/config.yml"]
# SIGTERM drains requests in flight for http.draintimeout (8 s: under docker stop's 10 s).
STOPSIGNAL SIGTERM
ENTRYPOINT ["node", "--max-semi-space-size=4", "dist/main.js"]
CMD ["serve", "--config", "/etc/berth/config.yml"]
