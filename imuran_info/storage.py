from django.conf import settings
from django.utils.encoding import filepath_to_uri
from storages.backends.s3 import S3Storage


class SharedMediaStorage(S3Storage):
    """Uploaded images in an S3-compatible store, linked on our own origin at MEDIA_URL.

    The front server passes /media/ on to the store (deploy/nginx.conf.template), so pages
    never name the store's address and the CSP's img-src 'self' holds.
    """

    def url(self, name, parameters=None, expire=None, http_method=None):
        return settings.MEDIA_URL + filepath_to_uri(name)
