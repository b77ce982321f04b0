/**
 * The AWS quotas the stacks must fit, as a new account gets them; known offline, so config loading and the tests
 * check them before a deploy finds them (docs/deploy.md "Quotas").
 */
export const AWS_QUOTAS = {
  /** SNS: subscription filter policies per topic (adjustable) */
  snsFilterPoliciesPerTopic: 200,
  /** SNS: value combinations in one filter policy (the product of its arrays' lengths) */
  snsFilterPolicyValues: 150,
  /** SNS: attribute keys in one filter policy */
  snsFilterPolicyKeys: 5,
  /** SNS: bytes of one published message */
  snsMessageBytes: 256 * 1024,
  /** Lambda: function memory in MB a new account may configure (10,240 once the quota is raised) */
  lambdaMemoryMb: 3008,
  /** Lambda: memory in MB no quota increase goes beyond */
  lambdaMemoryMbRaised: 10240,
  /** Lambda: /tmp (ephemeral storage) in MB */
  lambdaEphemeralStorageMb: 10240,
  /** Lambda: bytes of one function's environment variables (names and values) */
  lambdaEnvironmentBytes: 4096,
  /** Step Functions: bytes of a state's input or output */
  stepFunctionsPayloadBytes: 256 * 1024,
  /** Step Functions: bytes of a state machine definition */
  stepFunctionsDefinitionBytes: 1024 * 1024,
  /** CloudFormation: resources in one stack (nested stacks count separately) */
  cloudFormationResourcesPerStack: 500,
} as const;
