// Web chat: sends each message to POST /api/chat and shows replies with clickable buttons.
(function () {
  "use strict";
  const log = document.getElementById("log");
  const form = document.getElementById("compose");
  const input = document.getElementById("input");

  function add(kind, text) {
    const div = document.createElement("div");
    div.className = "msg " + kind;
    div.textContent = text;
    log.appendChild(div);
    log.scrollTop = log.scrollHeight;
    return div;
  }

  function showReply(message) {
    const div = add("bot", message.text || "");
    if (message.image) {
      const img = document.createElement("img");
      img.src = message.image;
      img.alt = "图片";
      img.style.maxWidth = "100%";
      div.appendChild(img);
    }
    if (message.buttons && message.buttons.length) {
      const row = document.createElement("div");
      row.className = "buttons";
      for (const button of message.buttons) {
        const b = document.createElement("button");
        b.type = "button";
        b.textContent = button.title;
        b.addEventListener("click", () => {
          row.querySelectorAll("button").forEach((x) => (x.disabled = true));
          send(button.payload, button.title);
        });
        row.appendChild(b);
      }
      div.appendChild(row);
    }
  }

  async function send(message, shown) {
    add("user", shown || message);
    const waiting = add("system", "正在查询…");
    try {
      // One conversation per browser: the gateway names it in a signed cookie, sent along.
      const response = await fetch("/api/chat", {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        credentials: "same-origin",
        body: JSON.stringify({ message: message }),
      });
      const body = await response.json();
      waiting.remove();
      if (!response.ok) {
        add("system", body.message || "发送失败,请稍后再试。");
        return;
      }
      if (!body.messages.length) add("system", "助手没有回复,请换个说法试试。");
      body.messages.forEach(showReply);
      if (body.handoff) add("system", "已为您申请转接人工服务,请留意接听;也可直接拨打12345。");
    } catch (error) {
      waiting.remove();
      add("system", "网络异常,请检查网络后重试。");
    }
  }

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const text = input.value.trim();
    if (!text) return;
    input.value = "";
    send(text);
  });

  add("bot", "您好,我是办事助手。请直接说您要办的事,比如“居住证怎么办”“驾照过期了怎么换”。");
})();
