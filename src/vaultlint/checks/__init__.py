"""The checks, and the explicit registry that names them (no directory scanning).

The one registry of names: :data:`REGISTRY` (every check, by name) and :data:`ENGINE_RULES`
(every rule id vaultlint reports itself, with no check behind it). Rule ids of configured
rules come from the config; ``--select``/``--ignore``, suppression comments and
``vaultlint rules`` accept and list both kinds.
"""

from __future__ import annotations

from vaultlint.checks.ambiguous_links import AmbiguousLinksCheck
from vaultlint.checks.base import Check
from vaultlint.checks.date_format import DateFormatCheck
from vaultlint.checks.encoding import MojibakeCheck
from vaultlint.checks.file_name import FileNameCheck
from vaultlint.checks.frontmatter import FrontmatterCheck
from vaultlint.checks.links import LinksCheck
from vaultlint.checks.orphans import OrphansCheck
from vaultlint.checks.properties import PropertiesCheck
from vaultlint.checks.property_types import PropertyTypesCheck
from vaultlint.checks.required_sections import RequiredSectionsCheck
from vaultlint.checks.shared_names import SharedNamesCheck
from vaultlint.checks.tag_syntax import TagSyntaxCheck
from vaultlint.checks.tags import TagsCheck
from vaultlint.checks.unused_attachments import UnusedAttachmentsCheck
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
        OrphansCheck,
        UnusedAttachmentsCheck,
        SharedNamesCheck,
    )
}

# Rule ids the linter and the batch runner report themselves (no check behind them).
INTERNAL_ERROR = "internal-error"
UNREADABLE = "unreadable-note"
TOO_LARGE = "note-too-large"
OUTSIDE_VAULT = "outside-vault"
UNKNOWN_RULE_IN_SUPPRESSION = "unknown-rule-in-suppression"
#: a problem code of the reader (a parser bug), reported as ``internal-error``
PARSE_FAILED = "parse-failed"

#: every rule id the linter and the batch runner report themselves, with what it means
ENGINE_RULES: dict[str, str] = {
    INTERNAL_ERROR: "vaultlint failed on this note (a rule or the parser raised): a bug",
    UNREADABLE: "the note cannot be read",
    TOO_LARGE: "the note is too large to be read",
    OUTSIDE_VAULT: "a symbolic link that leads outside the vault (not followed)",
    UNKNOWN_RULE_IN_SUPPRESSION: "a suppression comment names a rule that does not exist",
}
