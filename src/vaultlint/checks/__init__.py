"""The checks, and the explicit registry that names them (no directory scanning)."""

from __future__ import annotations

from vaultlint.checks.ambiguous_links import AmbiguousLinksCheck
from vaultlint.checks.base import Check
from vaultlint.checks.date_format import DateFormatCheck
from vaultlint.checks.encoding import MojibakeCheck
from vaultlint.checks.file_name import FileNameCheck
from vaultlint.checks.frontmatter import FrontmatterCheck
from vaultlint.checks.links import LinksCheck
from vaultlint.checks.properties import PropertiesCheck
from vaultlint.checks.property_types import PropertyTypesCheck
from vaultlint.checks.required_sections import RequiredSectionsCheck
from vaultlint.checks.tag_syntax import TagSyntaxCheck
from vaultlint.checks.tags import TagsCheck
from vaultlint.checks.vault_files import VaultFilesCheck

REGISTRY: dict[str, type[Check]] = {
    cls.name: cls
    for cls in (
        LinksCheck,
        FrontmatterCheck,
        TagSyntaxCheck,
        MojibakeCheck,
        RequiredSectionsCheck,
        TagsCheck,
        DateFormatCheck,
        FileNameCheck,
        AmbiguousLinksCheck,
        PropertyTypesCheck,
        PropertiesCheck,
        VaultFilesCheck,
    )
}
