-- ~/.config/nvim/init.lua (Neovim 0.11 or later)
vim.lsp.config("vaultlint", {
  cmd = { "vaultlint", "server" },
  filetypes = { "markdown" },
  -- the vault: the nearest folder up holding one of these
  root_markers = { ".vaultlint.yaml", ".obsidian" },
})
vim.lsp.enable("vaultlint")
