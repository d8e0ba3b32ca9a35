# vpnbot as a container: `docker build -t vpnbot .`, then
#   docker run -d --name vpnbot -p 3000:3000 -v vpnbot-data:/data --env-file vpnbot.env vpnbot
# The database (and the sandbox's cloud, without Alibaba credentials) live on the /data volume.
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json ./
COPY src src
COPY storage storage
COPY commands commands
RUN npx tsc -p tsconfig.json && npm prune --omit=dev --no-audit --no-fund

FROM node:20-bookworm-slim
ENV NODE_ENV=production PORT=3000 VPNBOT_DB=/data/vpnbot.db
WORKDIR /app
COPY --from=build /app/node_modules node_modules
COPY --from=build /app/dist dist
COPY package.json manifest.yml ./
COPY assets assets
# Not root: the image's `node` user owns only the data volume.
RUN mkdir -p /data && chown node:node /data
USER node
VOLUME /data
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=5s CMD node -e "fetch('http://127.0.0.1:' + process.env.PORT + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"
CMD ["node", "--max-semi-space-size=4", "dist/commands/main.js", "serve"]
