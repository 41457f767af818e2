import { APPS, defaultPort, dockerfileStages, readText, stageChain } from './deploy-files';

// Static checks: they only read files (no container engine on these machines).
describe('Dockerfile', () => {
  const stages = dockerfileStages();

  it.each(APPS)('has a %s target that runs the app on its default port, as a non-root user', (app) => {
    const chain = stageChain(stages, app);
    expect(chain[0]?.name).toBe(app);
    const own = chain[0]?.instructions ?? [];
    const inherited = chain.flatMap((stage) => stage.instructions);
    const port = defaultPort(app);
    expect(own).toContain(`ENV PORT=${port}`);
    expect(own).toContain(`EXPOSE ${port}`);
    expect(own).toContain(`CMD ["node", "apps/${app}/dist/main.js"]`);
    // The build argument must name the target's own app, else the image holds another app's build.
    expect(own).toContainEqual(expect.stringContaining(`test "\${APP}" = ${app}`));
    const users = inherited.filter((line) => line.startsWith('USER '));
    expect(users[0]).toBeDefined();
    expect(users[0]).not.toMatch(/^USER\s+(root|0)(:|$)/);
    const healthcheck = inherited.find((line) => line.startsWith('HEALTHCHECK '));
    expect(healthcheck).toContain('/health');
    expect(healthcheck).toContain('process.env.PORT');
    // Migrations run as a separate command from the same image.
    expect(inherited).toContainEqual(expect.stringMatching(/^COPY .*deploy\/migrate\.js/));
    expect(inherited).toContainEqual(expect.stringMatching(/^ENV .*HOST=0\.0\.0\.0/));
  });

  it('builds from a turbo prune of the one app, without dev dependencies at run time', () => {
    const all = stages.flatMap((stage) => stage.instructions);
    expect(all).toContainEqual(expect.stringContaining('turbo prune "@platform/${APP}" --docker'));
    expect(all).toContainEqual(expect.stringMatching(/^RUN npm ci\b/));
    expect(stageChain(stages, 'production-dependencies')[0]?.instructions).toContain(
      'RUN npm ci --omit=dev --no-audit',
    );
    const runtimeCopies = stages.find((stage) => stage.name === 'runtime')?.instructions ?? [];
    expect(runtimeCopies).toContainEqual(
      expect.stringMatching(/^COPY --from=production-dependencies .* \/repo\/node_modules /),
    );
    expect(runtimeCopies).not.toContainEqual(expect.stringMatching(/^COPY --from=builder .*node_modules/));
    const runtime = stages.find((stage) => stage.name === 'runtime');
    expect(runtime?.from).toBe('${NODE_IMAGE}');
    expect(readText('Dockerfile')).toMatch(/^ARG NODE_IMAGE=node:20[.\d]*-[a-z]+-slim$/m);
  });

  it('keeps build output, dependencies, local state and secrets out of the build context', () => {
    const ignored = readText('.dockerignore')
      .split('\n')
      .filter((line) => line.trim() !== '' && !line.startsWith('#'));
    for (const pattern of [
      '**/node_modules',
      '**/dist',
      '.local',
      '.git',
      'deploy/compose/secrets',
      '.env',
    ]) {
      expect(ignored).toContain(pattern);
    }
  });
});
