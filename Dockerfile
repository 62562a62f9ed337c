# Multi-stage build: compile TypeScript in a full Node image, run on a slim one as non-root.
FROM node:20-bookworm-slim AS build
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json ./
COPY src ./src
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
HEALTHCHECK --interval=30s --timeout=3s --start-period=5s --retries=3 \
  CMD node -e "fetch('http://127.0.0.1:5000/v2/').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
ENTRYPOINT ["node", "--max-semi-space-size=4", "dist/main.js"]
CMD ["serve", "--config", "/etc/berth/config.yml"]
