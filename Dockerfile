# The SafetyZone image: the web (gunicorn), the Celery worker and beat all run it;
# docker-compose.yml says which. Production settings come from the environment.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DJANGO_ENV=production

# fonts-noto-cjk: Chinese glyphs in the PDFs (settings.PDF_FONT_FAMILY, Noto Sans CJK SC);
# texlive-lang-chinese: the Fandol FangSong, Song and Hei faces of the meeting notice
# (settings.PDF_FANGSONG_FONT and its neighbours, GB/T 9704);
# pango, harfbuzz and fontconfig: what WeasyPrint renders with; gettext: compilemessages.
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        fonts-noto-cjk \
        texlive-lang-chinese \
        libpango-1.0-0 \
        libpangoft2-1.0-0 \
        libharfbuzz0b \
        libharfbuzz-subset0 \
        libfontconfig1 \
        gettext \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY requirements.txt .
RUN pip install -r requirements.txt

COPY . .
# The build needs settings to load but no real secret: this key never leaves the step.
RUN export DJANGO_SECRET_KEY=build-only-not-used-at-runtime \
    && if ls locale/*/LC_MESSAGES/*.po >/dev/null 2>&1; then python manage.py compilemessages; fi \
    && python manage.py collectstatic --noinput --verbosity 0 \
    && useradd --system --user-group --uid 10001 --home-dir /app --no-create-home safetyzone \
    && mkdir -p /app/var/media /app/var/mail \
    && chown -R safetyzone:safetyzone /app/var

USER safetyzone
EXPOSE 8000
CMD ["gunicorn", "safetyzone.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", \
     "--worker-tmp-dir", "/dev/shm", "--access-logfile", "-"]
