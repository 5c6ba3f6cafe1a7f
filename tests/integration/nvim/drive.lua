-- Drives Neovim's built-in LSP client against `codegen serve --stdio`, headless.
-- 1. broken.py (a syntax error on its third line): waits for the server's diagnostics.
-- 2. comment.py: puts the cursor on the comment, runs the code action (the first one offered,
--    chosen as a user would in the menu) and waits for the generated code in the buffer.
-- Writes what it saw as JSON to $CODEGEN_NVIM_OUT, then quits. Neovim 0.7 API.

local out_path = os.getenv("CODEGEN_NVIM_OUT")
local dir = os.getenv("CODEGEN_NVIM_DIR")
local cmd = vim.fn.json_decode(os.getenv("CODEGEN_NVIM_CMD"))
local result = { steps = {} }

local function step(name)
  table.insert(result.steps, name)
end

local function finish()
  local file = io.open(out_path, "w")
  file:write(vim.fn.json_encode(result))
  file:close()
  vim.cmd("qall!")
end

-- The code action menu: take the first entry, as pressing 1 would.
vim.ui.select = function(items, _, on_choice)
  result.actions = vim.tbl_map(function(item)
    local action = item[2] or item
    return action.title
  end, items)
  on_choice(items[1], 1)
end

local function open(name)
  vim.cmd("edit " .. dir .. "/" .. name)
  local buf = vim.api.nvim_get_current_buf()
  vim.lsp.buf_attach_client(buf, result.client_id)
  return buf
end

local function run()
  result.client_id = vim.lsp.start_client({ name = "codegen", cmd = cmd, root_dir = dir })
  step("started")

  local broken = open("broken.py")
  result.diagnostics_arrived = vim.wait(60000, function()
    return #vim.diagnostic.get(broken) > 0
  end, 50)
  result.diagnostics = vim.tbl_map(function(d)
    return { lnum = d.lnum, col = d.col, message = d.message }
  end, vim.diagnostic.get(broken))
  step("diagnostics")

  local buf = open("comment.py")
  local before = vim.api.nvim_buf_line_count(buf)
  vim.api.nvim_win_set_cursor(0, { 1, 3 })
  local ready = vim.wait(10000, function()
    local client = vim.lsp.get_client_by_id(result.client_id)
    return client ~= nil and client.initialized and vim.lsp.buf_is_attached(buf, result.client_id)
  end, 50)
  if not ready then
    error("the LSP client did not initialize and attach comment.py within 10 s")
  end
  vim.lsp.buf.code_action()
  step("code action")
  result.edited = vim.wait(220000, function()
    return vim.api.nvim_buf_line_count(buf) > before
  end, 100)
  result.lines = vim.api.nvim_buf_get_lines(buf, 0, -1, false)
  step("done")
end

local ok, err = pcall(run)
if not ok then
  result.error = tostring(err)
end
finish()
