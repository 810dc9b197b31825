/** Light and dark themes: the system's preference unless the user picked one. */
type Choice = 'system' | 'light' | 'dark';

const media = window.matchMedia('(prefers-color-scheme: dark)');

class Theme {
  choice = $state<Choice>((localStorage.getItem('hindsight.theme') as Choice | null) ?? 'system');
  systemDark = $state(media.matches);
  dark = $derived(this.choice === 'dark' || (this.choice === 'system' && this.systemDark));

  constructor() {
    media.addEventListener('change', (e) => (this.systemDark = e.matches));
  }

  toggle(): void {
    this.choice = this.dark ? 'light' : 'dark';
    localStorage.setItem('hindsight.theme', this.choice);
  }
}

export const theme = new Theme();
