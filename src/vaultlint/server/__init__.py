"""``vaultlint server``: the Language Server Protocol on stdin/stdout, for editors.

- :mod:`~vaultlint.server.session`: a vault as the server holds it (config, index, the
  unsaved text of open notes) and the one way into the lint core;
- :mod:`~vaultlint.server.documents`: the note of an open document as ``scan`` would read its
  file (too large, not UTF-8);
- :mod:`~vaultlint.server.preload`: the vault of the starting directory, read while the LSP
  machinery is imported;
- :mod:`~vaultlint.server.protocol`: pygls's protocol with positions always in UTF-16;
- :mod:`~vaultlint.server.convert`: findings, positions (UTF-16) and fixes in LSP terms;
- :mod:`~vaultlint.server.navigation`: go to definition, completion inside ``[[``;
- :mod:`~vaultlint.server.answers`: code actions, definition, completion, hover;
- :mod:`~vaultlint.server.lsp`: the pygls server that ties them to the protocol (documents,
  debounced checks, publishing, config reloads, file events).

pygls and lsprotocol are imported only here, so ``vaultlint scan`` never loads them.
"""
