# The wxrb pipeline on the official Airflow image. The tag must equal the apache-airflow pin in
# pyproject.toml and Python must match requires-python (tests/test_deploy.py checks the first).
FROM apache/airflow:3.3.2-python3.11

# The project lives outside site-packages: wxrb/config.py finds sql/ and dags/ next to its own
# package, so it is installed editable from here.
ENV WXRB_SRC=/opt/wxrb
ENV AIRFLOW__CORE__DAGS_FOLDER=/opt/wxrb/dags

# The image runs as its unprivileged `airflow` user; pip installs into that user's environment,
# as Airflow's image documentation requires.
USER airflow
WORKDIR /opt/wxrb
COPY --chown=airflow:root requirements.lock pyproject.toml README.md ./

# How the lock goes on top of the image's Airflow:
# - `--no-deps -r requirements.lock`: the lock is the complete resolved set, so pip installs
#   exactly those pins and resolves nothing.
# - `-c image-airflow.txt`: the image's own apache-airflow, -core and -task-sdk versions are
#   frozen as constraints. The lock pins the same 3.3.2, so pip keeps the image's install; if
#   the two ever disagree the build stops here instead of quietly replacing Airflow.
# - Provider and library pins come from the lock (what the tests ran against). `pip check`
#   then fails the build if a lock pin broke one of the providers the image ships (celery, ...).
RUN pip freeze | grep -E '^apache-airflow(-core|-task-sdk)?==' > /tmp/image-airflow.txt \
 && pip install --no-cache-dir --no-deps -r requirements.lock -c /tmp/image-airflow.txt \
 && rm /tmp/image-airflow.txt

COPY --chown=airflow:root . ./
RUN pip install --no-cache-dir --no-deps -e . \
 && pip check \
 && mkdir -p /opt/airflow/reports /opt/airflow/auth /opt/airflow/wxrb

# No secret here: everything sensitive comes from the environment (docker-compose.yml, .env).
