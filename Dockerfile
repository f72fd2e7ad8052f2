# The ContainerOps server (`containerops serve`): Node.js 20, production dependencies only,
# non-root, read-only-root friendly (state in /var/lib/containerops, temp files in /tmp).
#
# Networked build (a normal machine):   docker build -t containerops/server:0.1.0 .
# Offline (this project's machines, no network in Docker builds):
#                                        bash scripts/docker/build-server-image.sh
# The offline script builds and stages on the host and passes a context holding only `.staged/`,
# which the build stage then uses as is (see deploy/kubernetes/README.md).

ARG BUILD_IMAGE=node:20-bookworm
ARG RUNTIME_IMAGE=debian:bookworm-slim

# --- build: install, compile every package and the dashboard, stage what the server needs ---
FROM ${BUILD_IMAGE} AS build
# Lets build-server-image.sh remove this stage's image afterwards (the classic builder keeps it).
LABEL org.containerops.stage=server-build
WORKDIR /src
COPY . .
RUN if [ -d .staged ]; then \
      mv .staged /staged; \
    else \
      npm ci --no-audit --no-fund && npm run build && bash scripts/docker/stage-server.sh /staged; \
    fi

# --- runtime: Debian bookworm + the staged Node binary and app, nothing else ---
FROM ${RUNTIME_IMAGE}
# A named user (some libraries ask the passwd database who they run as); fixed ids so the
# Kubernetes securityContext (runAsUser/fsGroup 10001) and volume ownership agree.
RUN groupadd --gid 10001 containerops \
 && useradd --uid 10001 --gid 10001 --home-dir /var/lib/containerops --no-create-home \
      --shell /usr/sbin/nologin containerops \
 && mkdir -p /var/lib/containerops \
 && chown 10001:10001 /var/lib/containerops
COPY --from=build /staged/ /
ENV NODE_ENV=production \
    CONTAINEROPS_WEB_DIR=/app/web/dist \
    CONTAINEROPS_DATA=/var/lib/containerops \
    CONTAINEROPS_HOST=0.0.0.0 \
    HOME=/tmp
WORKDIR /app
USER 10001:10001
EXPOSE 8080
ENTRYPOINT ["/usr/local/bin/node", "/app/node_modules/@containerops/cli/bin/containerops.js"]
CMD ["serve"]
