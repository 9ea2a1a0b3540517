// isuchair client: reads the master version, then draws the user's chairs.
(async () => {
  const version = (await (await fetch('/api/version')).json()).master_version;
  const userId = sessionStorage.getItem('user_id');
  if (!userId) return;
  const res = await fetch(`/api/users/${userId}/home`, { headers: { 'X-Master-Version': version } });
  const home = await res.json();
  const main = document.getElementById('app');
  main.textContent = '';
  for (let i = 0; i < home.user.chairs; i++) {
    const d = document.createElement('div');
    d.className = 'chair';
    main.appendChild(d);
  }
})();
