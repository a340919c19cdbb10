// LoanFlow's GraphiQL fetcher and sign-in bar. Queries and mutations go over HTTP, subscriptions over
// graphql-ws on the same /graphql (the token travels in connection_init). The signed-in token is used
// unless the header editor sets an Authorization of its own. The session is kept in sessionStorage: it
// survives a reload of this tab, not the closing of it, and no other tab or later visitor reads it.
(() => {
  const KEY = 'loanflow.session';
  const options = JSON.parse(document.getElementById('graphiql-options').textContent);
  // Monaco's workers come from this origin (loaded before GraphiQL's script reads this).
  self.MonacoEnvironment = { globalAPI: false, getWorkerUrl: (_id, label) => options.workers[label] };
  const endpoint = new URL(location.pathname, location.href).toString();
  const wsUrl = endpoint.replace(/^http/, 'ws');

  const load = () => {
    try {
      return JSON.parse(sessionStorage.getItem(KEY) || 'null');
    } catch {
      return null;
    }
  };
  let session = load();
  const save = (s) => {
    session = s;
    if (s) sessionStorage.setItem(KEY, JSON.stringify(s));
    else sessionStorage.removeItem(KEY);
    render();
  };

  const post = async (request, headers = {}) => {
    const r = await fetch(endpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json', ...headers },
      body: JSON.stringify(request),
    });
    return r.json();
  };
  const remember = (p) => save({ ...p, expiresAt: Date.now() + p.expiresIn * 1000 });

  async function signIn(email, password) {
    const r = await post({
      query: options.session.login,
      variables: { i: { email, password } },
    });
    if (!r.data?.login) throw new Error(r.errors?.[0]?.message ?? 'sign-in failed');
    remember(r.data.login);
    // GraphiQL loads the schema once; staff see it (introspection), so load it again as the officer.
    location.reload();
  }

  /** A fresh access token: refreshed (single-use refresh token) when it has under a minute left. */
  async function accessToken() {
    if (!session) return undefined;
    if (session.expiresAt - Date.now() < 60_000) {
      const r = await post({
        query: options.session.refresh,
        variables: { t: session.refreshToken },
      });
      if (!r.data?.refresh) {
        save(null);
        return undefined;
      }
      remember(r.data.refresh);
    }
    return session.accessToken;
  }

  /** The operation to run: its type, and its name unless GraphiQL names one the document lacks. */
  function operationOf(query, operationName) {
    const source = query.replace(/#[^\n]*/g, '');
    const ops = [
      ...source.matchAll(/(?:^|[}\s])(query|mutation|subscription)\b\s*([_A-Za-z][_0-9A-Za-z]*)?/g),
    ];
    const named = ops.find((m) => operationName && m[2] === operationName);
    // Right after a tab switch GraphiQL can still hold the previous tab's operation name.
    const op = named ?? ops[0];
    return { type: op ? op[1] : 'query', name: named || ops.length > 1 ? operationName : undefined };
  }

  let ws;
  let wsAuth;
  function socket(auth) {
    if (ws && wsAuth === auth) return ws;
    ws?.dispose();
    wsAuth = auth;
    ws = window.graphqlWs.createClient({
      url: wsUrl,
      connectionParams: auth ? { authorization: auth } : {},
      lazy: true,
      retryAttempts: 0,
    });
    return ws;
  }

  window.loanflowFetcher = async (params, opts) => {
    const headers = { ...(opts?.headers ?? {}) };
    const own = headers.Authorization ?? headers.authorization;
    delete headers.Authorization;
    delete headers.authorization;
    const token = own ? undefined : await accessToken();
    const auth = own || (token ? `Bearer ${token}` : undefined);
    const op = operationOf(params.query, params.operationName);
    // Signed out, GraphiQL's schema query would be refused (the schema is for staff): show the placeholder.
    if (!auth && /\b__schema\b/.test(params.query)) {
      return { data: await (await fetch(options.signedOutSchema)).json() };
    }
    const request = { query: params.query, variables: params.variables, operationName: op.name };
    if (op.type === 'subscription') return socket(auth).iterate(request);
    return post(request, auth ? { ...headers, authorization: auth } : headers);
  };

  /**
   * The stored tab to open on. Given no query (or one whose variables differ), GraphiQL adds an empty
   * "<untitled>" tab to the tabs it restores and opens that; naming the tab it would show — the one in the
   * address, else the last active — makes it open that tab instead. A shared link to a query no tab
   * holds still opens as a new tab, named after its operation.
   */
  function storedTab() {
    try {
      const state = JSON.parse(localStorage.getItem('graphiql:tabState') || 'null');
      const wanted =
        new URL(location.href).searchParams.get('query') ?? state?.tabs?.[state.activeTabIndex]?.query;
      const tab = state?.tabs?.find((t) => t.query === wanted);
      return tab ? { query: tab.query, variables: tab.variables ?? undefined } : {};
    } catch {
      return {};
    }
  }

  document.addEventListener('DOMContentLoaded', () => {
    const {
      workers: _workers,
      session: _session,
      signedOutSchema: _schema,
      tabRoles: _roles,
      ...graphiql
    } = options;
    window.YogaGraphiQL.renderYogaGraphiQL(document.getElementById('root'), {
      ...graphiql,
      ...storedTab(),
      fetcher: window.loanflowFetcher,
    });
  });

  function render() {
    const bar = document.getElementById('loanflow-session');
    if (!bar) return;
    bar.replaceChildren();
    if (session) {
      const who = document.createElement('span');
      who.id = 'loanflow-who';
      who.textContent = `Signed in as ${session.user.fullName} (${session.user.roles.join(', ')})`;
      const out = document.createElement('button');
      out.textContent = 'Sign out';
      out.onclick = () => {
        save(null);
        location.reload();
      };
      // Staff see every tab; the ones their roles cannot run are named here, with the role they need.
      const held = new Set(session.user.roles);
      const closed = options.tabRoles.filter((t) => !t.roles.some((r) => held.has(r)));
      const note = document.createElement('span');
      note.id = 'loanflow-tab-roles';
      note.textContent = closed.length
        ? `Tabs for other roles: ${closed.map((t) => `${t.name} (needs ${t.said})`).join('; ')}`
        : 'Every tab is open to your roles.';
      bar.append(who, out, note);
      return;
    }
    const form = document.createElement('form');
    form.innerHTML =
      '<input name="email" type="email" placeholder="e-mail" autocomplete="username" required>' +
      '<input name="password" type="password" placeholder="password" autocomplete="current-password" required>' +
      '<button type="submit">Sign in</button><span id="loanflow-error" role="alert"></span>';
    form.onsubmit = async (e) => {
      e.preventDefault();
      const data = new FormData(form);
      try {
        await signIn(String(data.get('email')), String(data.get('password')));
      } catch (err) {
        form.querySelector('#loanflow-error').textContent = err.message;
      }
    };
    bar.append(form);
  }
  document.addEventListener('DOMContentLoaded', render);
})();
