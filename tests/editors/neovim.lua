-- Neovim's built-in LSP client attached to `akbp lsp`, headless (tests/lsp.rs runs it:
-- `nvim --headless -u NONE -c 'luafile neovim.lua'`). Opens AKBP_FILE, waits for the first
-- non-empty diagnostics and writes one line per diagnostic to AKBP_OUT: the server's
-- `CODE LINE CHARACTER` as received, then `nvim LNUM COL SOURCE` as Neovim stored it.
local bin = os.getenv("AKBP_BIN")
local file = os.getenv("AKBP_FILE")
local out = os.getenv("AKBP_OUT")
local received = nil
local publish = vim.lsp.handlers["textDocument/publishDiagnostics"]
local config = {
  name = "akbp",
  cmd = { bin, "lsp" },
  root_dir = vim.fn.fnamemodify(file, ":h"),
  handlers = {
    ["textDocument/publishDiagnostics"] = function(err, result, ctx, cfg)
      if result and #result.diagnostics > 0 then
        received = result
      end
      return publish(err, result, ctx, cfg)
    end,
  },
}
vim.cmd("edit " .. vim.fn.fnameescape(file))
local buf = vim.api.nvim_get_current_buf()
local client
if vim.lsp.start then
  client = vim.lsp.start(config)
else
  -- Neovim 0.7 (Debian bookworm): start the client, then attach it to the buffer.
  client = vim.lsp.start_client(config)
  vim.lsp.buf_attach_client(buf, client)
end
local lines = {}
if vim.wait(30000, function() return received ~= nil end, 20) then
  -- Let the default handler store them in vim.diagnostic.
  vim.wait(200, function() return #vim.diagnostic.get(buf) > 0 end, 20)
  for _, d in ipairs(received.diagnostics) do
    table.insert(lines, string.format("%s %d %d", d.code or "-", d.range.start.line, d.range.start.character))
  end
  for _, d in ipairs(vim.diagnostic.get(buf)) do
    table.insert(lines, string.format("nvim %d %d %s", d.lnum, d.col, d.source or "-"))
  end
else
  table.insert(lines, "timeout: no diagnostics from akbp lsp")
end
vim.fn.writefile(lines, out)
vim.lsp.stop_client(client)
vim.wait(2000, function() return vim.lsp.get_client_by_id(client) == nil end, 20)
vim.cmd("qa!")
