"""A deterministic local replica of www.wxrb.com (无锡新传媒) for tests and the demo.

    from replica import ReplicaServer, build_site, manifest

    with ReplicaServer() as replica:           # random free port on 127.0.0.1
        replica.base_url                       # e.g. http://127.0.0.1:54321
        replica.site.articles                  # expected values for every article

See replica/README.md for the URL layout, the manifest and the noise variants.
"""

from replica.content import DEFAULT_SEED, Article, Channel, Site, build_site, manifest
from replica.server import ReplicaServer, serve_forever

__all__ = [
    "DEFAULT_SEED",
    "Article",
    "Channel",
    "ReplicaServer",
    "Site",
    "build_site",
    "manifest",
    "serve_forever",
]
