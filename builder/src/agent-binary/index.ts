/**
 * The agent-binary folder's public face: the image build and the agent's
 * tests build the fleet agent through it.
 */
export { buildAgent, defaultAgentEntry, type AgentBuild, type BuildAgentOptions } from './build-agent.ts';
export { buildMbedtls, mbedtlsConfigFlags, type MbedtlsLibrary } from './build-mbedtls.ts';
export { fetchMbedtlsSource, mbedtlsRelease } from './mbedtls-source.ts';
export { linkAgent, type LinkAgentOptions } from './link-agent.ts';
