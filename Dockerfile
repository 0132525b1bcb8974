# rollout-enforcer's container image: the released wheel on a slim Python, run as a user
# without privileges, with `enforce` as the entrypoint.
#
#   python -m build --wheel                 # dist/rollout_enforcer-VERSION-py3-none-any.whl
#   docker build -t rollout-enforcer:VERSION .
#   docker build --build-arg EXTRAS=serve -t rollout-enforcer:VERSION .   # with `enforce serve`
#   docker run --rm -v "$PWD:/work" rollout-enforcer:VERSION check description.md
#
# The release pipelines (.gitlab-ci.yml, .github/workflows/release.yml) build the wheel once
# and put that same file into the image and the package registries.
ARG PYTHON_VERSION=3.12
FROM python:${PYTHON_VERSION}-slim

# Optional extras of the package, comma-separated (serve: the webhook receiver).
ARG EXTRAS=""
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_ROOT_USER_ACTION=ignore

COPY dist/ /tmp/dist/
RUN set -eu; \
    set -- /tmp/dist/rollout_enforcer-*.whl; \
    if [ "$#" -ne 1 ] || [ ! -f "$1" ]; then \
      echo "expected exactly one rollout_enforcer wheel in dist/ (python -m build --wheel)" >&2; exit 1; \
    fi; \
    wheel="$1"; \
    if [ -n "$EXTRAS" ]; then wheel="$wheel[$EXTRAS]"; fi; \
    python -m pip install "$wheel"; \
    rm -rf /tmp/dist; \
    useradd --system --uid 10001 --user-group --no-create-home --shell /usr/sbin/nologin enforcer; \
    mkdir /work; chown enforcer:enforcer /work; \
    enforce --version

USER 10001:10001
WORKDIR /work
ENTRYPOINT ["enforce"]
CMD ["--help"]
