# syntax=docker/dockerfile:1
# Mender as one image for every role: `mender start --role web|worker|all` (docs/scale-out.md).
# Multi-stage: the build stage has the dev dependencies and compiles the server (dist/) and the
# dashboard (web/dist/); the runtime stage has production dependencies, git, bubblewrap and
# ripgrep, and runs as an unprivileged user.

FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build:server && npm run build:web && npm prune --omit=dev --no-audit --no-fund

FROM node:20-bookworm-slim AS runtime
# git: worktrees, commits, merges; bubblewrap: the sandbox of test and build commands; ripgrep:
# the search tool; tini: PID 1 that forwards SIGTERM to Node and reaps the sandbox's children.
RUN apt-get update \
  && apt-get install -y --no-install-recommends git bubblewrap ripgrep ca-certificates tini \
  && rm -rf /var/lib/apt/lists/*
# A user of its own (not node's uid 1000, which host volumes often belong to); its home holds nothing.
RUN groupadd --system --gid 10001 mender \
  && useradd --system --uid 10001 --gid mender --home-dir /home/mender --create-home --shell /usr/sbin/nologin mender \
  && mkdir -p /data && chown mender:mender /data
WORKDIR /app
COPY --from=build /app/package.json /app/package-lock.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY --from=build /app/web/dist ./web/dist
COPY --from=build /app/bin ./bin
COPY --from=build /app/skills ./skills
# No src/: bin/mender runs dist/ when its build stamp is not older than src/ (absent here).
ENV NODE_ENV=production \
    MENDER_HOST=0.0.0.0 \
    MENDER_PORT=7420 \
    MENDER_DATA_DIR=/data
USER 10001:10001
VOLUME ["/data"]
EXPOSE 7420
HEALTHCHECK --interval=15s --timeout=5s --start-period=60s --retries=3 \
  CMD node -e "fetch('http://127.0.0.1:' + (process.env.MENDER_PORT || 7420) + '/health', { headers: { host: 'localhost' } }).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"
ENTRYPOINT ["/usr/bin/tini", "--", "/app/bin/mender"]
CMD ["start", "--no-supervisor"]
