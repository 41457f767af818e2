# syntax=docker/dockerfile:1.7
# One image per service, each with only its own workspace and production dependencies:
#   docker build --target gateway --build-arg APP=gateway -t platform/gateway .
# Targets: gateway, payments, risk, ledger, reporting (APP must name the same app; the target checks).
# The image runs the service by default; `node deploy/migrate.js` runs its migrations and exits.
ARG NODE_IMAGE=node:20.19-bookworm-slim
ARG TURBO_VERSION=2.6.1

FROM ${NODE_IMAGE} AS base
ENV TURBO_TELEMETRY_DISABLED=1 NPM_CONFIG_UPDATE_NOTIFIER=false NPM_CONFIG_FUND=false
WORKDIR /repo

# Only the app's workspace and the libs it depends on, with a lockfile cut down to them.
FROM base AS pruner
ARG APP
ARG TURBO_VERSION
RUN test -n "${APP}" || { echo 'build with --build-arg APP=<app>' >&2; exit 1; }
RUN npm install --global "turbo@${TURBO_VERSION}"
COPY . .
RUN turbo prune "@platform/${APP}" --docker --out-dir /pruned

# Manifests first, so the dependency layers stay cached until a package.json or the lockfile changes.
FROM base AS builder
ARG APP
ARG TURBO_VERSION
RUN npm install --global "turbo@${TURBO_VERSION}"
COPY --from=pruner /pruned/json/ ./
RUN npm ci --no-audit
COPY --from=pruner /pruned/full/ ./
COPY tsconfig.base.json ./
RUN turbo run build --filter="@platform/${APP}"

# Production dependencies only: no TypeScript, jest or test tools in the runtime image.
FROM base AS production-dependencies
COPY --from=pruner /pruned/json/ ./
RUN npm ci --omit=dev --no-audit

FROM ${NODE_IMAGE} AS runtime
ARG APP
ENV NODE_ENV=production HOST=0.0.0.0 APP=${APP}
WORKDIR /app
COPY --from=builder --chown=root:root /repo/package.json ./package.json
COPY --from=production-dependencies --chown=root:root /repo/node_modules ./node_modules
COPY --from=builder --chown=root:root /repo/libs ./libs
COPY --from=builder --chown=root:root /repo/apps/${APP}/package.json ./apps/${APP}/package.json
COPY --from=builder --chown=root:root /repo/apps/${APP}/dist ./apps/${APP}/dist
COPY --chown=root:root deploy/migrate.js deploy/container-entrypoint.sh ./deploy/
# The executable bit does not survive every checkout (core.fileMode=false, Windows).
RUN chmod 0755 deploy/container-entrypoint.sh
# Files owned by root and not writable by the service user; the service runs as `node` (uid 1000).
USER node
ENTRYPOINT ["/app/deploy/container-entrypoint.sh"]
# 200 only when the database and Kafka both answer (GET /health); no curl in a slim image.
HEALTHCHECK --interval=10s --timeout=5s --start-period=60s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/health').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]

FROM runtime AS gateway
RUN test "${APP}" = gateway || { echo 'target gateway needs --build-arg APP=gateway' >&2; exit 1; }
ENV PORT=3000
EXPOSE 3000
CMD ["node", "apps/gateway/dist/main.js"]

FROM runtime AS payments
RUN test "${APP}" = payments || { echo 'target payments needs --build-arg APP=payments' >&2; exit 1; }
ENV PORT=3001
EXPOSE 3001
CMD ["node", "apps/payments/dist/main.js"]

FROM runtime AS risk
RUN test "${APP}" = risk || { echo 'target risk needs --build-arg APP=risk' >&2; exit 1; }
ENV PORT=3002
EXPOSE 3002
CMD ["node", "apps/risk/dist/main.js"]

FROM runtime AS ledger
RUN test "${APP}" = ledger || { echo 'target ledger needs --build-arg APP=ledger' >&2; exit 1; }
ENV PORT=3003
EXPOSE 3003
CMD ["node", "apps/ledger/dist/main.js"]

FROM runtime AS reporting
RUN test "${APP}" = reporting || { echo 'target reporting needs --build-arg APP=reporting' >&2; exit 1; }
ENV PORT=3004
EXPOSE 3004
CMD ["node", "apps/reporting/dist/main.js"]
