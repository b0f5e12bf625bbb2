# One image for web, worker and beat (docker-compose.yml picks the command).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DJANGO_SETTINGS_MODULE=marketplace.settings.production

WORKDIR /app
RUN useradd --create-home --uid 1000 app
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt
COPY . .
# collectstatic needs settings but no real services or secrets.
RUN SECRET_KEY=build-only ALLOWED_HOSTS=localhost DATABASE_URL=postgresql://build@localhost/build \
    REDIS_URL=redis://localhost:6379/0 python manage.py collectstatic --noinput \
    && mkdir -p /app/media /app/private && chown -R app:app /app/media /app/private
USER app
EXPOSE 8000
# gunicorn.conf.py: the same web settings as `make run` (PORT, WEB_CONCURRENCY, WEB_THREADS); the exec
# form makes gunicorn PID 1, so `docker stop` reaches it and it finishes requests in flight.
CMD ["gunicorn", "marketplace.wsgi:application", "--config", "gunicorn.conf.py"]
