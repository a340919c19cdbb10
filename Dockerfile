# One image for every Node service; the command picks which (a subgraph, or the gateway).
FROM node:20-bookworm-slim
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund
COPY platform ./platform
COPY subgraphs ./subgraphs
COPY gateway ./gateway
COPY schema ./schema
COPY scripts ./scripts
COPY infra ./infra
COPY tsconfig.json rover.yaml ./
ENV NODE_ENV=production HOST=0.0.0.0
USER node
CMD ["node", "--import", "tsx", "gateway/index.ts"]
