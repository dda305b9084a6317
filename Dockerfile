# syntax=docker/dockerfile:1

# ---- build: native addon (better-sqlite3) and TypeScript ----
FROM node:22-bookworm-slim AS build
WORKDIR /app
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ ca-certificates \
 && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
# Install without lifecycle scripts (the root "prepare" needs the sources), then build the addon.
RUN npm ci --ignore-scripts && npm rebuild better-sqlite3
COPY tsconfig.json ./
COPY src ./src
COPY simulators ./simulators
RUN npm run build && npm prune --omit=dev --ignore-scripts

# ---- runtime ----
FROM node:22-bookworm-slim
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=4747 \
    DATA_DIR=/data
WORKDIR /app
COPY --from=build /app/package.json ./package.json
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY simulators ./simulators
COPY openapi ./openapi
COPY fixtures ./fixtures
RUN mkdir -p /data && chown node:node /data
USER node
VOLUME ["/data"]
EXPOSE 4747
HEALTHCHECK --interval=5s --timeout=3s --start-period=5s --retries=5 \
  CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||4747)+'/__health').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
CMD ["node", "dist/bundle/index.js"]
