-- A second LSP client, Neovim (0.7+), against the Safe Migrations language server:
--   diagnostics of a migration arrive with rule codes and documentation links, code action requests
--   round-trip, a quick fix is applied, the file written and the fixed finding withdrawn, and the server
--   shuts down cleanly.
--
-- Run by test/nvim/nvim.test.ts:
--   nvim --headless --clean -i NONE -n -c 'luafile test/nvim/check.lua'
-- Environment:
--   SAFE_MIGRATIONS_SERVER_CMD   JSON array: the server command, e.g. ["node","dist/cli.js","lsp","--stdio"]
--   SAFE_MIGRATIONS_ROOT         workspace folder (holds safe-migrations.config.json)
--   SAFE_MIGRATIONS_FILE         the migration to open (a copy: the quick fix writes it)
--   SAFE_MIGRATIONS_EXPECT       comma-separated rule ids that must be reported
--   SAFE_MIGRATIONS_REQUIRE_FIX  "1": a quick fix must be offered and applied (else only reported)
--   SAFE_MIGRATIONS_RESULT       where to write a JSON summary for the test runner
-- Exits 0 when every check passed, 1 (cquit) otherwise; says why on stderr.

local env = vim.env
local result = { codes = {}, links = {}, steps = {} }

local function say(message)
  io.stdout:write('[nvim] ' .. message .. '\n')
  table.insert(result.steps, message)
end

local function write_result()
  if env.SAFE_MIGRATIONS_RESULT then
    local f = assert(io.open(env.SAFE_MIGRATIONS_RESULT, 'w'))
    f:write(vim.fn.json_encode(result))
    f:close()
  end
end

local function fail(message)
  result.failure = message
  write_result()
  io.stderr:write('[nvim] FAILED: ' .. message .. '\n')
  vim.cmd('cquit 1')
end

local function split(text)
  local out = {}
  for item in string.gmatch(text or '', '[^,]+') do
    table.insert(out, item)
  end
  return out
end

local ok, err = pcall(function()
  local cmd = vim.fn.json_decode(env.SAFE_MIGRATIONS_SERVER_CMD or 'null')
  if type(cmd) ~= 'table' then error('SAFE_MIGRATIONS_SERVER_CMD must be a JSON array') end
  local file = env.SAFE_MIGRATIONS_FILE or error('SAFE_MIGRATIONS_FILE is not set')
  local uri = vim.uri_from_fname(file)
  local expected = split(env.SAFE_MIGRATIONS_EXPECT)

  -- Keep the server's own diagnostics as sent, to pass them back unchanged in the code action context.
  local raw = nil
  local exit_code = nil
  local client_id = vim.lsp.start_client({
    name = 'safe-migrations',
    cmd = cmd,
    root_dir = env.SAFE_MIGRATIONS_ROOT,
    settings = { safeMigrations = { postgresVersion = '16' } },
    handlers = {
      ['textDocument/publishDiagnostics'] = function(e, params, ctx, config)
        if params and params.uri == uri then raw = params.diagnostics end
        return vim.lsp.diagnostic.on_publish_diagnostics(e, params, ctx, config)
      end,
    },
    on_exit = function(code) exit_code = code end,
  })
  if not client_id then error('the language server did not start: ' .. table.concat(cmd, ' ')) end

  vim.cmd('edit ' .. vim.fn.fnameescape(file))
  local buf = vim.api.nvim_get_current_buf()
  vim.lsp.buf_attach_client(buf, client_id)

  -- Wait for a publication that holds every expected rule.
  local function codes_now()
    local seen = {}
    for _, d in ipairs(vim.diagnostic.get(buf)) do
      if d.code then seen[tostring(d.code)] = d end
    end
    return seen
  end
  local arrived = vim.wait(20000, function()
    local seen = codes_now()
    for _, id in ipairs(expected) do
      if not seen[id] then return false end
    end
    return raw ~= nil
  end, 50)
  local seen = codes_now()
  for code, d in pairs(seen) do
    table.insert(result.codes, code)
    local lsp = d.user_data and d.user_data.lsp or {}
    result.links[code] = lsp.codeDescription and lsp.codeDescription.href or vim.NIL
  end
  table.sort(result.codes)
  if not arrived then
    error('expected diagnostics ' .. table.concat(expected, ', ') .. ' but got: ' .. table.concat(result.codes, ', '))
  end
  say('diagnostics: ' .. table.concat(result.codes, ', '))

  -- Code actions for each expected finding, with the server's own diagnostic as context.
  local client = vim.lsp.get_client_by_id(client_id)
  local fix, fixed_rule = nil, nil
  result.code_actions = {}
  for _, rule in ipairs(expected) do
    local target = nil
    for _, d in ipairs(raw) do
      if d.code == rule then target = d end
    end
    if not target then error('no diagnostic as published for ' .. rule) end
    local response = client.request_sync('textDocument/codeAction', {
      textDocument = { uri = uri },
      range = target.range,
      context = { diagnostics = { target } },
    }, 10000, buf)
    if not response then error('textDocument/codeAction got no answer within 10 s') end
    if response.err then error('textDocument/codeAction failed: ' .. vim.inspect(response.err)) end
    local actions = response.result
    if actions == nil or actions == vim.NIL then actions = {} end
    if type(actions) ~= 'table' then error('textDocument/codeAction returned ' .. vim.inspect(actions) .. ', not a list') end
    result.code_actions[rule] = #actions
    say('code actions for ' .. rule .. ': ' .. #actions)
    for _, action in ipairs(actions) do
      if action.edit and not fix then fix, fixed_rule = action, rule end
    end
  end

  -- Apply the first quick fix that carries an edit, write the file, and see its finding go away.
  -- MANDATORY ONCE QUICK FIXES LAND: the runner sets SAFE_MIGRATIONS_REQUIRE_FIX=1 and a missing fix
  -- fails the check. Without it, an empty list is reported here (never passed over silently).
  if fix then
    local published_before = raw
    vim.lsp.util.apply_workspace_edit(fix.edit, 'utf-16')
    vim.api.nvim_buf_call(buf, function() vim.cmd('silent write') end)
    result.applied = { rule = fixed_rule, title = fix.title }
    say('applied "' .. fix.title .. '" (' .. fixed_rule .. ') and wrote ' .. file)
    local gone = vim.wait(20000, function()
      if raw == published_before then return false end
      for _, d in ipairs(raw) do
        if d.code == fixed_rule then return false end
      end
      return true
    end, 50)
    if not gone then error(fixed_rule .. ' is still reported after its quick fix was applied') end
    say(fixed_rule .. ' no longer reported after the fix')
  elseif env.SAFE_MIGRATIONS_REQUIRE_FIX == '1' then
    error('no quick fix with an edit was offered for ' .. table.concat(expected, ', '))
  else
    result.applied = vim.NIL
    say('no quick fix offered for ' .. table.concat(expected, ', ') .. ': nothing applied or written')
  end

  -- A clean shutdown: shutdown request, exit notification, process gone with code 0.
  vim.lsp.stop_client(client_id)
  if not vim.wait(10000, function() return exit_code ~= nil end, 50) then error('the server did not exit within 10 s of shutdown') end
  result.exit_code = exit_code
  if exit_code ~= 0 then error('the server exited with ' .. tostring(exit_code) .. ' after shutdown') end
  say('server shut down cleanly')
end)

if not ok then fail(tostring(err)) end
result.ok = true
write_result()
vim.cmd('qall!')
