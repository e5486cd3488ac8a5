import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../infra/constructs/handler-function.js';

/**
 * What a newcomer needs from the README at a glance. Whether links and headings they point at
 * exist is checked by remark-validate-links (`npm run lint:docs`); this adds what it cannot.
 */
const readme = readFileSync(path.join(PROJECT_ROOT, 'README.md'), 'utf8');
const documents = [
  'README.md',
  'workflows/README.md',
  ...readdirSync(path.join(PROJECT_ROOT, 'docs')).map((file) => `docs/${file}`),
];

describe('the README', () => {
  it('is short, with the set-up and the test commands in its first 40 lines', () => {
    const lines = readme.split('\n');
    const top = lines.slice(0, 40).join('\n');

    expect(lines.length).toBeLessThan(200);
    expect(top).toMatch(/```sh\nnpm ci\nnpm start\n```/);
    expect(top).toMatch(/```sh\nnpm ci\nnpm test\n```/);
  });

  it('links to each document of docs/', () => {
    const linked = [...readme.matchAll(/\]\((docs\/[^)#]+)/g)].map((match) => match[1]);

    expect(new Set(linked)).toEqual(
      new Set(readdirSync(path.join(PROJECT_ROOT, 'docs')).map((file) => `docs/${file}`)),
    );
  });
});

describe('the documentation', () => {
  it.each(documents)('%s links only inside the repository, or to the web', (document) => {
    const markdown = readFileSync(path.join(PROJECT_ROOT, document), 'utf8');
    const targets = [...markdown.matchAll(/\]\(([^)\s]+)\)/g)].map((match) => match[1] as string);

    const outside = targets.filter(
      (target) =>
        !/^(https?:|mailto:|#)/.test(target) &&
        path
          .relative(PROJECT_ROOT, path.resolve(path.dirname(path.join(PROJECT_ROOT, document)), target))
          .startsWith('..'),
    );

    expect(outside).toEqual([]);
  });
});
