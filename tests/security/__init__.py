"""Security: an untrusted vault (notes, config, caches) in CI cannot read, hide, hang or write."""
