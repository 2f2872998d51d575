const target = document.getElementById('status');
fetch('/health')
  .then((response) => response.json())
  .then((health) => {
    target.textContent = `${health.status} — version ${health.version}, storage ${health.store.kind}`;
  })
  .catch(() => {
    target.textContent = 'unreachable';
  });
