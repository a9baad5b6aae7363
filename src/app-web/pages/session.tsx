import type { FieldError } from '../../errors.js';
import { messages } from '../messages.js';
import { Page } from '../render.js';
import { ErrorSummary, TextInput } from '../views/forms.js';
import type { Chrome } from '../views/layout.js';

const l = messages.login;
const s = messages.signup;

export function LoginPage({ chrome, errors, handle }: { chrome: Chrome; errors: FieldError[]; handle?: string }) {
  return (
    <Page chrome={chrome}>
      <ErrorSummary errors={errors} labels={{ handle: l.handle, password: l.password }} />
      <form method="post" action="/app/login" novalidate>
        <TextInput name="handle" label={l.handle} errors={errors} value={handle} autocomplete="username" />
        <TextInput name="password" label={l.password} type="password" errors={errors} autocomplete="current-password" />
        <button type="submit">{l.submit}</button>
      </form>
      <p>
        {l.noAccount} <a href="/app/signup">{l.signUpLink}</a>
      </p>
    </Page>
  );
}

export function SignUpPage({ chrome, errors, values }: { chrome: Chrome; errors: FieldError[]; values: { handle?: string; displayName?: string } }) {
  return (
    <Page chrome={chrome}>
      <p>{s.intro}</p>
      <ErrorSummary errors={errors} labels={{ handle: s.handle, password: s.password, displayName: s.displayName }} />
      <form method="post" action="/app/signup" novalidate>
        <TextInput name="handle" label={s.handle} hint={s.handleHint} errors={errors} value={values.handle} autocomplete="username" />
        <TextInput name="password" label={s.password} hint={s.passwordHint} type="password" errors={errors} autocomplete="new-password" />
        <TextInput name="displayName" label={s.displayName} hint={s.displayNameHint} errors={errors} value={values.displayName} autocomplete="nickname" />
        <button type="submit">{s.submit}</button>
      </form>
      <p>
        {s.haveAccount} <a href="/app/login">{s.logInLink}</a>
      </p>
    </Page>
  );
}
