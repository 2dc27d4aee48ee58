// Shared by the staff pages: who is logged in, the CSRF token on every change, logging out.
window.staff = (function () {
  "use strict";
  let me = null;

  function toLogin() {
    location.assign("/login?next=" + encodeURIComponent(location.pathname + location.search));
  }

  // Every request but a read carries the CSRF token; a lapsed login goes back to the login page.
  async function request(path, options = {}) {
    const headers = { "Content-Type": "application/json", ...(options.headers || {}) };
    if (options.method && options.method !== "GET" && me) headers["X-CSRF-Token"] = me.csrf_token;
    const response = await fetch(path, { ...options, headers });
    if (response.status === 401) toLogin();
    return response;
  }

  async function whoami() {
    const response = await fetch("/api/me");
    if (!response.ok) {
      toLogin();
      throw new Error("请先登录");
    }
    me = await response.json();
    const bar = document.createElement("span");
    bar.className = "who-am-i";
    bar.id = "who-am-i";
    bar.textContent = `${me.role_label} ${me.name}`;
    if (me.via === "password") {
      const out = document.createElement("button");
      out.type = "button";
      out.id = "logout";
      out.textContent = "退出";
      out.addEventListener("click", async () => {
        await request("/api/logout", { method: "POST" });
        toLogin();
      });
      bar.appendChild(out);
    }
    document.querySelector("header h1").appendChild(bar);
    return me;
  }

  return { whoami, request };
})();
