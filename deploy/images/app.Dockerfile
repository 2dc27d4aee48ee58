# The application image: gateway, action server, reference service API and review tools on
# Python 3.13, from requirements-app.lock (hashes checked). Build from the project root:
#   docker build -f deploy/images/app.Dockerfile -t banshi/app:1.0.0 .
FROM python:3.13-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PYTHONPATH=/srv/banshi
WORKDIR /srv/banshi
COPY requirements-app.lock .
RUN pip install --no-cache-dir "uv==0.13.8" \
 && uv pip sync --system --require-hashes requirements-app.lock \
 && pip uninstall -y uv
COPY core core
COPY bot bot
COPY connectors connectors
COPY actions actions
COPY knowledge knowledge
COPY docs docs
COPY data/nlu data/nlu
USER 10001
