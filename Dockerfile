# jasmine-proxy: a MySQL wire-protocol proxy. Not built in CI (no Docker engine there).
FROM python:3.11-slim

WORKDIR /app
COPY pyproject.toml README.md ./
COPY jasmine_proxy ./jasmine_proxy
RUN pip install --no-cache-dir . && useradd --system --no-create-home jasmine

USER jasmine
ENV JASMINE_HOST=0.0.0.0 \
    JASMINE_PORT=3307
EXPOSE 3307
# Set JASMINE_BACKEND=mysql://user:pass@host:3306/db (docker run -e ...).
ENTRYPOINT ["jasmine-proxy", "serve"]
