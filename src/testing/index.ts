/**
 * Test utilities for services that use secure-claude: a loopback stand-in for the Messages API
 * that speaks the real JSON and SSE wire format and can be scripted with replies and faults.
 */
export { startFakeAnthropic, hashKey, DEFAULT_REPLY_TEXT } from './fake-anthropic';
export type {
  FakeAnthropic,
  FakeAnthropicOptions,
  ReplyScript,
  FaultScript,
  RecordedRequest,
  ScriptedContentBlock,
  ScriptedStopReason,
  ScriptedUsage,
  ScriptedStreamError,
} from './fake-anthropic';
