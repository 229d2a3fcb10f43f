// The webhooks Pulumi program: read the stack's config once, compose the components, export the outputs.
import { stackConfigFromPulumi } from "./components/config";
import { createWebhooksStack } from "./components/stack";

const stack = createWebhooksStack(stackConfigFromPulumi());

export const ingestUrls = stack.ingestUrls;
export const eventsTable = stack.eventsTable;
export const analyticsStream = stack.analyticsStream;
export const alarmTopic = stack.alarmTopic;
export const alarmDelivery = stack.alarmDelivery;
export const dashboard = stack.dashboard;
export const runbook = stack.runbook;
export const logGroups = stack.logGroups;
export const queues = stack.queues;
export const functions = stack.functions;
export const region = stack.region;
export const account = stack.account;
