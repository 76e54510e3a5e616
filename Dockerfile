# One image for every service; SERVICE picks the app (upload-gateway, chunker, stt-worker,
# merger, analyzer, query) or `standalone` for the single-process mode.
# Node 24 is the current LTS (Node 20 reached end of life in April 2026).
FROM node:24-bookworm-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm install --omit=dev --no-audit --no-fund --loglevel=error

FROM node:24-bookworm-slim
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends ffmpeg pocketsphinx pocketsphinx-en-us tini \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY package.json tsconfig.base.json tsconfig.json ./
COPY schemas ./schemas
COPY libs ./libs
COPY apps ./apps
ENV NODE_ENV=production SERVICE=standalone PORT=8080
USER node
EXPOSE 8080
ENTRYPOINT ["/usr/bin/tini", "--"]
CMD ["sh", "-c", "exec node --import tsx apps/${SERVICE}/src/main.ts"]
