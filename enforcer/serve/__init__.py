"""``enforce serve``: the webhook receiver that re-checks a merge request the moment it changes.

GitLab starts no pipeline when only a description is edited; this receiver hears every change
from the platform's webhooks, checks the live description off the request path and keeps the
comment, the labels and the ``rollout-plan`` commit status right.

One stage per module, data flowing one way:

- ``settings``  the environment -> ``Settings`` (refuses to start without a secret)
- ``verify``    the shared secret and the HMAC signature, compared in constant time
- ``events``    a webhook payload -> a ``Job`` to run, or the reason none is needed (pure)
- ``jobs``      the bounded queue that coalesces a burst for one merge request
- ``worker``    the pool that runs ``check_and_publish(job)``, retrying within a budget
- ``metrics``   the Prometheus registry of one receiver
- ``app``       the ASGI application: endpoints, body bound, answers, one log line a delivery
- ``main``      uvicorn, SIGTERM drain, exit codes

Everything here is imported only by ``enforce serve``: a local ``enforce check`` never loads
Starlette, uvicorn or prometheus_client.
"""
