# The Rasa image: Rasa Open Source 3.6.21 on Python 3.10 (the newest it supports), the custom
# NLU components, the gateway input channel and the trained model, from requirements-rasa.lock
# (hashes checked). CI trains the model and copies it in:
#   .venv-rasa/bin/python -m bot.model train        # models/<fingerprint>.tar.gz
#   docker build -f deploy/images/rasa.Dockerfile --build-arg MODEL=models/<fingerprint>.tar.gz \
#     -t banshi/rasa:1.0.0 .
FROM python:3.10-slim
ARG MODEL
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PYTHONPATH=/srv/banshi \
    RASA_TELEMETRY_ENABLED=false RASA_MODELS_DIR=/srv/banshi/models
WORKDIR /srv/banshi
COPY requirements-rasa.lock .
RUN pip install --no-cache-dir "uv==0.13.8" \
 && uv pip sync --system --require-hashes requirements-rasa.lock \
 && pip uninstall -y uv
COPY core core
COPY bot/__init__.py bot/model.py bot/rasa_server.py bot/
COPY bot/nlu bot/nlu
COPY connectors/__init__.py connectors/channel.py connectors/
COPY credentials.yml config.yml domain.yml ./
COPY data/jieba data/jieba
COPY ${MODEL} models/
USER 10001
# bot.rasa_server refuses any model that is not in models/ under its fingerprint name and
# switches off the endpoints that would load, drop or train another one.
ENTRYPOINT ["python", "-m", "bot.rasa_server"]
