# The pipeline's image. docker-compose.yml runs the one-shot pipeline-init, the ingest worker and the
# sink worker from it, each with its own command.

# Build stage: all dependencies, to bundle the workflow code ahead of time.
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json ./
COPY src ./src
COPY scripts ./scripts
RUN npx tsx scripts/bundle-workflows.ts dist/workflow-bundle.js

# Runtime stage: production dependencies only. TypeScript runs through tsx (a production dependency),
# so cql/ and every other path resolve exactly as in the repository.
FROM node:20-bookworm-slim AS runtime
ENV NODE_ENV=production
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY tsconfig.json ./
COPY cql ./cql
COPY src ./src
COPY --from=build /app/dist/workflow-bundle.js ./dist/workflow-bundle.js
# The workers load this bundle instead of running webpack at every start.
ENV WORKFLOW_BUNDLE_PATH=/app/dist/workflow-bundle.js
# The base image's unprivileged `node` user, by number so a runtime can verify it is not root.
USER 1000:1000
# No health check: the workers serve no port to probe. A worker that loses a server it cannot do
# without exits non-zero, and compose's restart policy starts it again.
HEALTHCHECK NONE
CMD ["node", "--import", "tsx", "src/workers/sink-worker.ts"]
