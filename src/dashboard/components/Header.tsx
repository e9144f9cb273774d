export function Header({ onSignOut }: { onSignOut(): void }) {
  return (
    <header class="top">
      <a class="brand" href="#/">optbridge</a>
      <nav>
        <a href="#/">Jobs</a>
        <a href="#/compare">Compare</a>
      </nav>
      <button type="button" class="link" onClick={onSignOut}>Sign out</button>
    </header>
  );
}
