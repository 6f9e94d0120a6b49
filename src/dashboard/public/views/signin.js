/** Sign-in: the Microsoft sign-in when the server has it, and always an API token form. */
import { api, token } from '../api.js';
import { h } from '../dom.js';

/**
 * @param ctx.session.authConfig `{ entra: boolean }` from /auth/config
 * @param ctx.message the server's message that sent the user here (a 401), if any
 * @param ctx.onSignedIn called with the principal once a token works
 */
export async function signinView(ctx) {
  const error = h('p', { id: 'signin-error', class: 'message message--error', role: 'alert', hidden: !ctx.message }, ctx.message ?? '');
  const input = h('input', {
    id: 'token-input',
    name: 'token',
    type: 'password',
    autocomplete: 'off',
    spellcheck: 'false',
    required: true,
    'aria-describedby': 'token-help signin-error',
  });
  const button = h('button', { type: 'submit', class: 'button button--primary' }, 'Sign in with token');
  const form = h(
    'form',
    { class: 'card form', dataset: { form: 'token' }, 'aria-labelledby': 'token-heading' },
    h('h2', { id: 'token-heading' }, 'API token'),
    h('p', { id: 'token-help', class: 'hint' }, 'Paste a token made with ', h('code', {}, 'ppmat tokens create'), ' (it starts with ppmat_). It is kept in this browser tab only.'),
    h('label', { for: 'token-input' }, 'Token'),
    input,
    h('div', { class: 'form__actions' }, button),
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const value = input.value.trim();
    if (!value) return;
    button.disabled = true;
    token.set(value);
    try {
      const me = await api.get('/api/me', { quiet401: true });
      ctx.onSignedIn(me.principal);
    } catch (e) {
      token.clear();
      error.textContent = e.message;
      error.hidden = false;
      input.setAttribute('aria-invalid', 'true');
      input.focus();
    } finally {
      button.disabled = false;
    }
  });

  const entra = ctx.session.authConfig?.entra
    ? h(
        'section',
        { class: 'card', 'aria-labelledby': 'entra-heading' },
        h('h2', { id: 'entra-heading' }, 'Microsoft Entra ID'),
        h('p', {}, 'Sign in with your work account; your app roles decide what you may do.'),
        h('a', { href: '/auth/login', class: 'button button--primary' }, 'Sign in with Microsoft'),
      )
    : null;

  const node = h(
    'section',
    { class: 'view view--signin', dataset: { view: 'signin' } },
    h('h1', { tabindex: '-1' }, 'Sign in'),
    error,
    h('div', { class: 'signin' }, entra, form),
  );
  return { title: 'Sign in', node };
}
