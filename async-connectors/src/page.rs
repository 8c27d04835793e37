//! The one pagination shape shared by every provider.

use futures::Stream;

use crate::error::Error;

/// One page of a listing: its items and where the next page is.
///
/// `next` holds whatever the provider uses to reach the next page: a URL from a GitHub
/// `Link` header, a Slack `next_cursor`, a Jira `nextPageToken`. `None` means the provider
/// signalled the end.
#[derive(Debug, Clone, PartialEq)]
pub struct Page<T> {
    /// The items on this page.
    pub items: Vec<T>,
    /// The cursor or URL of the next page, or `None` on the last page.
    pub next: Option<String>,
}

impl<T> Page<T> {
    /// Turns a page fetcher into a stream of items that stops on the provider's end signal.
    ///
    /// `fetch` receives `None` for the first page, then each page's `next` value.
    pub fn into_stream<F, Fut>(fetch: F) -> impl Stream<Item = Result<T, Error>>
    where
        F: FnMut(Option<String>) -> Fut,
        Fut: Future<Output = Result<Page<T>, Error>>,
    {
        struct State<F, T> {
            fetch: F,
            buffered: std::vec::IntoIter<T>,
            next: Option<String>,
            started: bool,
            done: bool,
        }

        let state = State {
            fetch,
            buffered: Vec::new().into_iter(),
            next: None,
            started: false,
            done: false,
        };
        futures::stream::unfold(state, |mut state| async move {
            loop {
                if let Some(item) = state.buffered.next() {
                    return Some((Ok(item), state));
                }
                if state.done || (state.started && state.next.is_none()) {
                    return None;
                }
                state.started = true;
                match (state.fetch)(state.next.take()).await {
                    Ok(page) => {
                        state.next = page.next;
                        state.buffered = page.items.into_iter();
                    }
                    Err(error) => {
                        state.done = true;
                        return Some((Err(error), state));
                    }
                }
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use futures::TryStreamExt;

    use super::*;

    #[tokio::test]
    async fn stream_follows_pages_until_none() {
        let pages = Page::into_stream(|cursor: Option<String>| async move {
            Ok(match cursor.as_deref() {
                None => Page {
                    items: vec![1, 2],
                    next: Some("b".to_owned()),
                },
                Some("b") => Page {
                    items: vec![],
                    next: Some("c".to_owned()),
                },
                _ => Page {
                    items: vec![3],
                    next: None,
                },
            })
        });

        let items: Vec<i32> = pages.try_collect().await.expect("pages load");
        assert_eq!(items, vec![1, 2, 3]);
    }
}
