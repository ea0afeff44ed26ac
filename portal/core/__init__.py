"""Cross-cutting concerns: tenancy, permissions, audit, security headers and the page cache."""
