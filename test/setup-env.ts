// The AWS SDK warns on every load that its 2027 releases need Node 22 (README, Requirements). Child processes
// the tests start inherit this, so the test output stays about the tests.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
