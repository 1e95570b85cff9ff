# The plugin image: argv is the plugin CLI; `http` (port 10001) by default, `run` for one message on stdin.
FROM python:3.11-slim-bookworm AS build
WORKDIR /src
COPY pyproject.toml setup.py README.md plugin.spec.yaml ./
COPY actionkit ./actionkit
COPY icon_pagerduty ./icon_pagerduty
RUN pip wheel --no-cache-dir --no-deps --wheel-dir /wheels .

FROM python:3.11-slim-bookworm
LABEL organization=rapid7 sdk=python
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /workspace

# Dependencies come from pyproject.toml alone, so this layer is reused until they change.
COPY pyproject.toml ./
RUN python -c "import tomllib; print('\n'.join(tomllib.load(open('pyproject.toml', 'rb'))['project']['dependencies']))" \
        > /tmp/requirements.txt \
    && pip install --no-cache-dir -r /tmp/requirements.txt \
    && rm /tmp/requirements.txt

COPY --from=build /wheels /wheels
RUN pip install --no-cache-dir --no-deps /wheels/*.whl && rm -rf /wheels
COPY plugin.spec.yaml /plugin.spec.yaml
COPY plugin.spec.yaml help.md ./

# Trigger state (/workspace/cache/<triggerId>.json) and the stop flag (/workspace/tmp), writable by the
# runtime user, as enable_cache asks; the orchestrator mounts volumes over them.
RUN mkdir -p /workspace/cache /workspace/tmp && chown 65534:65534 /workspace/cache /workspace/tmp

# The non-root user the ecosystem expects (its cloud-ready rule looks for exactly this line); Debian's
# nobody is 65534:65534, as the orchestrator's mounted volumes expect. DL3066 warns that a name may not
# resolve on the host; the ecosystem's rule wants the name, and the base image defines it.
# hadolint ignore=DL3066
USER nobody
EXPOSE 10001
ENTRYPOINT ["icon_pagerduty"]
CMD ["http", "--port", "10001"]
