"""Site definitions: built-in YAML files shipped in the package plus operators' own directory."""

from bulletin_crawler.sites.config import Region, SiteConfig, SiteFileError, load_site_file
from bulletin_crawler.sites.registry import BUILTIN_DIR, Registry, load_registry, load_sites

__all__ = ["BUILTIN_DIR", "Region", "Registry", "SiteConfig", "SiteFileError", "load_registry",
           "load_site_file", "load_sites"]
