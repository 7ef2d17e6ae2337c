"""The checks, and the explicit registry that names them (no directory scanning).

The one registry of names: :data:`REGISTRY` (every check, by name) and :data:`ENGINE_RULES`
(every rule id vaultlint reports itself, with no check behind it). To add a check: write its
module and list its name, module and class in :data:`REGISTRY`. Rule ids of configured
rules come from the config; ``--select``/``--ignore``, suppression comments and
``vaultlint rules`` accept and list both kinds.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from vaultlint.registry import LazyRegistry

if TYPE_CHECKING:
    from vaultlint.checks.base import Check

#: every check by name, in the order ``vaultlint rules`` lists them; a check's module is
#: imported the first time it is looked up (a run answered from the cache imports none)
REGISTRY: LazyRegistry[type[Check]] = LazyRegistry(
    (
        ("links", "vaultlint.checks.links:LinksCheck"),
        ("frontmatter", "vaultlint.checks.frontmatter:FrontmatterCheck"),
        ("tag-syntax", "vaultlint.checks.tag_syntax:TagSyntaxCheck"),
        ("encoding", "vaultlint.checks.encoding:MojibakeCheck"),
        ("required-sections", "vaultlint.checks.required_sections:RequiredSectionsCheck"),
        ("tags", "vaultlint.checks.tags:TagsCheck"),
        ("date-format", "vaultlint.checks.date_format:DateFormatCheck"),
        ("file-name", "vaultlint.checks.file_name:FileNameCheck"),
        ("ambiguous-links", "vaultlint.checks.ambiguous_links:AmbiguousLinksCheck"),
        ("property-types", "vaultlint.checks.property_types:PropertyTypesCheck"),
        ("properties", "vaultlint.checks.properties:PropertiesCheck"),
        ("vault-files", "vaultlint.checks.vault_files:VaultFilesCheck"),
        ("orphans", "vaultlint.checks.orphans:OrphansCheck"),
        ("unused-attachments", "vaultlint.checks.unused_attachments:UnusedAttachmentsCheck"),
        ("shared-names", "vaultlint.checks.shared_names:SharedNamesCheck"),
    )
)

# Rule ids the linter, the batch runner and the fixer report themselves (no check behind them).
INTERNAL_ERROR = "internal-error"
UNREADABLE = "unreadable-note"
TOO_LARGE = "note-too-large"
OUTSIDE_VAULT = "outside-vault"
UNKNOWN_RULE_IN_SUPPRESSION = "unknown-rule-in-suppression"
#: ``--fix`` could not fix a note (reported by ``vaultlint.fix``, check ``fix``)
FIX_FAILED = "fix-failed"
#: a problem code of the reader (a parser bug), reported as ``internal-error``
PARSE_FAILED = "parse-failed"

#: every rule id the linter, the batch runner and the fixer report themselves, with what it means
ENGINE_RULES: dict[str, str] = {
    INTERNAL_ERROR: "vaultlint failed on this note (a rule or the parser raised): a bug",
    UNREADABLE: "the note cannot be read",
    TOO_LARGE: "the note is too large to be read",
    OUTSIDE_VAULT: "a symbolic link that leads outside the vault (not followed)",
    UNKNOWN_RULE_IN_SUPPRESSION: "a suppression comment names a rule that does not exist",
    FIX_FAILED: "--fix left the note as it was (a write failed, or it changed since the scan)",
}
