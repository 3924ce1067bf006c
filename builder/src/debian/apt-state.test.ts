import test from 'ava';
import { renderAptConf } from './apt-state.ts';

test('renderAptConf keeps everything in the state folder except the host keyrings', (t) => {
  const conf = renderAptConf('/cache/apt/bookworm-arm64', 'arm64', { 'Acquire::http::Proxy': 'socks5h://proxy.internal:3128' });
  t.regex(conf, /^Dir::Etc "\/cache\/apt\/bookworm-arm64\/etc";$/m);
  t.regex(conf, /^Dir::State::status "\/cache\/apt\/bookworm-arm64\/dpkg\/status";$/m);
  t.regex(conf, /^Dir::Cache "\/cache\/apt\/bookworm-arm64\/cache";$/m);
  t.regex(conf, /^Dir::Etc::trustedparts "\/etc\/apt\/trusted.gpg.d";$/m);
  t.regex(conf, /^APT::Architecture "arm64";$/m);
  t.regex(conf, /^APT::Architectures \{ "arm64"; \};$/m);
  t.regex(conf, /^APT::Install-Recommends "false";$/m);
  t.regex(conf, /^APT::Sandbox::User "[^"]+";$/m);
  t.regex(conf, /^Acquire::http::Proxy "socks5h:\/\/proxy.internal:3128";$/m);
  // No other absolute paths: nothing may point into the host's apt state.
  const paths = [...conf.matchAll(/"(\/[^"]*)"/g)].map((m) => m[1]!);
  t.true(paths.every((p) => p.startsWith('/cache/apt/bookworm-arm64') || p.startsWith('/etc/apt/trusted.gpg')), paths.join(' '));
});
