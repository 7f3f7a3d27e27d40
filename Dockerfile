# The pipeline's image. docker-compose.yml runs the one-shot pipeline-init, the ingest worker and the
# sink worker from it, each with its own command. Node 24 LTS: the project runs on Node >= 20.3, and
# its tests run on the Node of the machine that builds it.

# Build stage: all dependencies, to compile src/ to dist/ with tsc and bundle the workflow code once.
FROM node:24-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY scripts/build.js ./scripts/build.js
COPY src ./src
RUN node scripts/build.js

# Runtime stage: production dependencies and the compiled JavaScript only; no TypeScript at run time.
FROM node:24-bookworm-slim AS runtime
ENV NODE_ENV=production
# The sink worker's memory budget (see docs/BENCHMARKS.md): glibc keeps fewer malloc arenas for the
# Temporal core's threads (about 60 MB less resident) and maps every allocation past 128 KiB (a fetch's
# response) on its own, so it goes back when freed (about 15 MB less); the heap limit is in the CMD.
ENV MALLOC_ARENA_MAX=2
ENV MALLOC_MMAP_THRESHOLD_=131072
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY cql ./cql
COPY bin ./bin
COPY --from=build /app/dist ./dist
# The workers load dist/workflow-bundle.js (built above) instead of running webpack at every start.
# The base image's unprivileged `node` user, by number so a runtime can verify it is not root.
USER 1000:1000
# No health check: the workers serve no port to probe. A worker that loses a server it cannot do
# without exits non-zero, and compose's restart policy starts it again.
HEALTHCHECK NONE
CMD ["node", "--max-old-space-size=256", "--max-semi-space-size=4", "dist/workers/sink-worker.js"]
