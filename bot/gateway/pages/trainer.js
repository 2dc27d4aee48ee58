// The trainer page: plain JS, no build step. User messages are inserted with textContent only.
"use strict";

// `drafts`: what a trainer chose for an item but has not saved yet, by item id, so that a list
// refreshed meanwhile (a training ending, another action) shows the choice still made.
// `ended`: the id of the last finished training the page has shown (undefined before the first look).
const state = { status: "open", choices: null, training: false, drafts: {}, ended: undefined };
const $ = (id) => document.getElementById(id);

function el(tag, props = {}, children = []) {
  const node = Object.assign(document.createElement(tag), props);
  for (const child of children) node.append(child);
  return node;
}

async function api(path, options = {}) {
  const response = await staff.request(path, options);
  const body = response.headers.get("content-type")?.includes("json") ? await response.json() : await response.text();
  if (!response.ok) throw new Error(body.message || "请求失败");
  return body;
}

function say(text) {
  $("message").hidden = !text;
  $("message").textContent = text;
}

function parseEntities(spec) {
  return spec.split(/[;；]/).map((s) => s.trim()).filter(Boolean).map((part) => {
    const [entity, text, value] = part.split("=").map((s) => s.trim());
    return { entity, text: text || "", value: value || "" };
  });
}

function intentSelect(current) {
  const select = el("select", { name: "intent" }, [el("option", { value: "", textContent: "选择意图" })]);
  for (const intent of state.choices.intents) {
    select.append(el("option", { value: intent.name, textContent: `${intent.label} (${intent.name})`, selected: intent.name === current }));
  }
  return select;
}

function kbSelect(current) {
  const select = el("select", { name: "kb_entry" }, [el("option", { value: "", textContent: "知识条目(可选)" })]);
  for (const entry of state.choices.knowledge) {
    select.append(el("option", { value: entry.id, textContent: `${entry.title} (${entry.id})`, selected: entry.id === current }));
  }
  return select;
}

// The conversation the item was last seen in: the turns before it, it, and the answer given.
function conversation(item) {
  const seen = item.conversation;
  if (!seen || !seen.context.length) return el("div", { className: "conv none", textContent: "(没有保存对话上下文,如坐席反馈)" });
  const turns = seen.context.map((turn) => el("div", {
    className: `turn ${turn.role}${turn.current ? " current" : ""}`,
  }, [el("span", { className: "who", textContent: turn.role === "user" ? "用户" : "助手" }), el("span", { textContent: turn.text })]));
  const ranking = seen.ranking.map((r) => `${r.name} ${Number(r.confidence).toFixed(2)}`).join(" · ");
  const more = item.conversations > 1 ? ` · 共出现在 ${item.conversations} 段对话中` : "";
  return el("div", { className: "conv" }, [
    ...turns,
    el("div", { className: "meta ranking", textContent: `意图排名:${ranking || "(无)"}${seen.declined ? " · 助手未给出具体答复" : ""}${more}` }),
  ]);
}

async function decide(item, path, body, done, error) {
  error.textContent = "";
  try {
    await api(`/api/trainer/items/${item.id}/${path}`, { method: "POST", body: JSON.stringify(body) });
    delete state.drafts[item.id];
    say(done);
    await refresh();
  } catch (e) { error.textContent = e.message; }
}

function itemRow(item) {
  const error = el("div", { className: "error", role: "alert" });
  const draft = state.drafts[item.id] || {};
  const entities = el("input", {
    name: "entities", className: "entities", placeholder: "实体(可选):类型=原文[=标准值],多个用分号隔开",
    value: draft.entities ?? item.label_entities.map((e) => [e.entity, e.text, e.value].filter(Boolean).join("=")).join("; "),
  });
  const form = el("form", {}, [
    intentSelect(draft.intent ?? item.label_intent), kbSelect(draft.kb_entry ?? item.label_kb_entry), entities,
    el("button", { type: "submit", className: "primary", textContent: "保存标注" }),
    el("button", { type: "button", className: "followup", textContent: "追问(转对话用例)" }),
    el("button", { type: "button", className: "gap", textContent: "知识缺口" }),
    el("button", { type: "button", className: "dismiss", textContent: "忽略" }),
    error,
  ]);
  const keep = () => {
    state.drafts[item.id] = { intent: form.intent.value, kb_entry: form.kb_entry.value, entities: entities.value };
  };
  form.addEventListener("change", keep);
  form.addEventListener("input", keep);
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    error.textContent = "";
    const body = { intent: form.intent.value, kb_entry: form.kb_entry.value, entities: parseEntities(entities.value) };
    try {
      await api(`/api/trainer/items/${item.id}/label`, { method: "POST", body: JSON.stringify(body) });
      delete state.drafts[item.id];
      say(`第 ${item.id} 条已标注,点击“应用全部已标注”写入训练数据`);
      await refresh();
    } catch (e) { error.textContent = e.message; }
  });
  form.querySelector(".dismiss").addEventListener("click", () => decide(item, "dismiss", {}, `第 ${item.id} 条已忽略`, error));
  form.querySelector(".followup").addEventListener("click", () =>
    decide(item, "followup", {}, `第 ${item.id} 条已作为追问写入开发对话用例`, error));
  form.querySelector(".gap").addEventListener("click", () =>
    decide(item, "knowledge-gap", {}, `第 ${item.id} 条已列入知识缺口,见“知识缺口”页`, error));
  const label = item.label_intent || item.label_kb_entry;
  const meta = `${item.reason_labels.join("、")} · 出现 ${item.count} 次 · 置信度 ${item.confidence.toFixed(2)} · ${item.status_label}` +
    (label ? ` → ${label}` : "") + (item.note ? ` · ${item.note}` : "");
  return el("div", { className: "item", id: `item-${item.id}` }, [
    el("div", {}, [el("div", { className: "text", textContent: item.text }), el("div", { className: "meta", textContent: meta }), conversation(item)]),
    item.status === "applied" ? el("div") : form,  // written to the data: nothing left to change
  ]);
}

async function refresh() {
  const data = await api(`/api/trainer/items?status=${state.status}`);
  $("counts").textContent = Object.entries(state.choices.statuses).map(([k, v]) => `${v} ${data.counts[k] || 0}`).join(" · ");
  const labels = Object.fromEntries(state.choices.intents.map((i) => [i.name, i.label]));
  $("groups").replaceChildren(...(data.groups.length ? data.groups.map((group) => el("section", { className: "group" }, [
    el("h2", { textContent: `模型预测:${labels[group.intent] || group.intent || "(无)"} ${group.intent} · ${group.items.length} 条` }),
    ...group.items.map(itemRow),
  ])) : [el("p", { className: "notice", textContent: "这里没有消息" })]));
  const audit = await api("/api/trainer/audit?limit=30");
  $("audit").replaceChildren(...audit.map((a) => el("tr", {}, [
    el("td", { textContent: new Date(a.at).toLocaleString("zh-CN") }), el("td", { textContent: a.action }),
    el("td", { textContent: a.item_id ?? "" }), el("td", { textContent: a.actor }), el("td", { textContent: a.detail }),
  ])));
}

// Trained models: the one the Rasa servers serve, activating another, rolling back.
async function loadModels() {
  const data = await api("/api/trainer/models");
  const names = [...new Set(Object.values(data.served))];
  $("served").textContent = `正在使用:${names.map((n) => n || "(无法连接)").join("、")}` +
    (data.rollback_to ? ` · 回滚将恢复 ${data.rollback_to}` : "");
  $("rollback").disabled = !data.rollback_to;
  $("models").replaceChildren(...data.models.map((model) => {
    const button = el("button", { type: "button", className: "activate", textContent: "启用" });
    button.addEventListener("click", () => rollout("/api/trainer/models/activate", { model: model.name }, `正在加载 ${model.name} …`));
    return el("tr", { id: `model-${model.name}` }, [
      el("td", { textContent: model.name }),
      el("td", { textContent: new Date(model.trained_at).toLocaleString("zh-CN") }),
      el("td", { textContent: model.active ? "使用中" : "" }),
      el("td", {}, model.active ? [] : [button]),
    ]);
  }));
}

// A model that lowers a reported figure beyond its noise is activated only after a second
// confirmation that names the figure; the server answers 409 with the figures until then.
async function rollout(path, body, waiting) {
  say(waiting);
  const response = await staff.request(path, { method: "POST", body: JSON.stringify(body) });
  const result = await response.json();
  if (response.status === 409 && result.error === "confirmation_required") {
    const typed = window.prompt(`${result.message}\n\n确认启用请输入下降的指标名称:${result.labels.join("、")}`);
    if (typed && result.labels.every((label) => typed.includes(label))) {
      return rollout(path, { ...body, confirm: result.figures }, waiting);
    }
    say("未启用:没有确认指标下降");
  } else if (!response.ok) {
    say(result.message || "请求失败");
  } else {
    say(`已启用 ${result.model}(之前:${result.previous || "无"})`);
  }
  await loadModels();
  await loadTraining();
  await refresh();  // the activation's audit entry
}

const fmt = (value) => (value === undefined ? "—" : Number(value).toFixed(3));

// The latest training: its progress while it runs, then the served and the new model's figures.
// While one runs the page polls; a poll that fails is tried again rather than ending the watch.
async function loadTraining() {
  let data;
  try {
    data = await api("/api/trainer/training");
  } catch (e) {
    say(e.message);
    if (state.training) setTimeout(loadTraining, 2000);
    return;
  }
  const run = data.run;
  $("train").disabled = data.running;
  $("train-progress").hidden = !data.running;
  $("train-progress").value = run ? run.progress : 0;
  $("train-stage").textContent = data.elsewhere
    ? `另一网关上${data.elsewhere}正在进行`
    : run ? `${run.stage}${run.error ? ":" + run.error : ""}${run.model ? " · 新模型 " + run.model : ""}` : "";
  const done = Boolean(run && run.state === "done");
  $("comparison").hidden = !done;
  if (done) {
    const dropped = new Set(run.drops.map((d) => d.figure));
    $("figures").replaceChildren(...Object.entries(run.figures).map(([name, label]) => el("tr", { className: dropped.has(name) ? "drop" : "" }, [
      el("td", { textContent: label }),
      el("td", { textContent: fmt(run.before[name]) }),
      el("td", { textContent: fmt(run.after[name]) }),
      el("td", { textContent: run.before[name] === undefined ? "" : `${(run.after[name] - run.before[name] >= 0 ? "+" : "")}${fmt(run.after[name] - run.before[name])}${dropped.has(name) ? " 超出噪声" : ""}` }),
    ])));
    $("activate-new").disabled = run.model === run.active;
  }
  if (data.running) setTimeout(loadTraining, 2000);
  // A training that ended since the page last looked added a model and audit entries: show
  // them, once per run, whether or not a poll saw it running.
  const ended = run && run.finished_at && !data.running ? run.id : null;
  const unseen = ended && state.ended !== undefined && state.ended !== ended;
  state.ended = ended || state.ended || null;
  state.training = data.running;
  if (unseen) { await loadModels(); await refresh(); }
}

function renderTabs() {
  $("tabs").replaceChildren(...Object.entries(state.choices.statuses).map(([status, label]) => {
    const button = el("button", { type: "button", textContent: label, className: status === state.status ? "active" : "" });
    button.addEventListener("click", async () => { state.status = status; renderTabs(); await refresh(); });
    return button;
  }));
}

async function start() {
  await staff.whoami();
  try {
    state.choices = await api("/api/trainer/choices");
  } catch (e) {
    say(e.message);
    return;
  }
  $("app").hidden = false;
  renderTabs();
  await refresh();
  await loadModels();
  await loadTraining();
}

$("export").addEventListener("click", async () => {
  try { say((await api("/api/trainer/export", { method: "POST" })).message); await refresh(); } catch (e) { say(e.message); }
});
$("apply").addEventListener("click", async () => {
  try {
    const result = await api("/api/trainer/apply", { method: "POST", body: "{}" });
    const lines = result.outcomes.map((o) => [`[${o.item_id}] ${o.text}:${o.message}`, ...o.warnings.map((w) => `  警告:${w}`)].join("\n"));
    say([...lines, result.summary].join("\n"));
    await refresh();
  } catch (e) { say(e.message); }
});
$("train").addEventListener("click", async () => {
  try { await api("/api/trainer/training", { method: "POST" }); say("训练已在后台开始"); } catch (e) { say(e.message); }
  await loadTraining();
});
$("activate-new").addEventListener("click", async () => {
  const run = (await api("/api/trainer/training")).run;
  if (run) await rollout("/api/trainer/models/activate", { model: run.model }, `正在加载 ${run.model} …`);
});
$("discard").addEventListener("click", async () => {
  try { say(`已放弃 ${(await api("/api/trainer/training/discard", { method: "POST" })).discarded}`); } catch (e) { say(e.message); }
  await loadTraining();
});
$("rollback").addEventListener("click", () => rollout("/api/trainer/models/rollback", {}, "正在回滚 …"));
start();
